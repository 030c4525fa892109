"""The product registry as the service runs it (a domain the front doors share, as `service/jobs`
is): who may write which firm's products (`access`), registration from a bulk job's reviewed
result (`registration`), duplicates within a firm before publishing (`duplicates`), and a firm's
catalog as a file (`exports`). The rules themselves live in `ontology/registry/`."""
