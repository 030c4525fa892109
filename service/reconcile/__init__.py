"""The W3C Reconciliation Service API, one service per scheme: OpenRefine and other wrangling tools
reconcile a column of catalog lines onto CPMS classes or standard items, then pull in codes of other
schemes and template values. `/reconcile/{scheme}` speaks the 0.2 protocol (what OpenRefine 3.x
uses), `/reconcile/{scheme}/1.0-draft` the 1.0 draft; both answer from the same functions."""
