"""Constraints and indexes of the ontology graph, applied idempotently at startup and by `cpms seed`.

The graph:
  (:Scheme {code})
  (:Class {uid, scheme, code, ...})-[:IN_SCHEME]->(:Scheme)
  (:Class)-[:BROADER]->(:Class)                   parent in the same scheme
  (:Class)-[:HAS_PROPERTY {required, ord}]->(:Property {uid, scheme, code, ...})
  (:Property)-[:HAS_VALUE {ord}]->(:Value {uid, code, ...})
  (:Property)-[:IN_UNIT]->(:Unit {code, ...})<-[:DEFINES_UNIT]-(:Scheme)
  (:Class)-[:MAPS_TO {relation, source}]->(:Class)   SKOS mapping to another scheme
  (:Item {uid, scheme, code, ...})-[:OF_CLASS]->(:Class)
  (:Item)-[:HAS_VALUE {property}]->(:Value)           enum values, for filtering
  (:Release {uid, scheme, number, ...}), (:Change {uid, ...}) history records
  (:Example {uid, text, actor, decision})-[:EXAMPLE_OF]->(:Class|Item)   confirmed matches
  (:ChangeRequest {id, kind, status, ...}), (:ApiKey {id, role, hash, ...})
  (:ChangeMark {id: 'store', token})                 a new token on every write (ontology/changes.py)
  (:Firm {code, ...}), (:Product {id, firm, sku, firm_sku, status, value_keys, ...})   the registry
  (:Product)-[:MADE_BY]->(:Firm), (:Product)-[:CLASSIFIED_AS]->(:Class), (:Product)-[:STATES_VALUE]->(:Value)
  (:Sequence {id: 'product', last})                  the last product serial handed out
  (:Registration {id, firm, committed})              a large registration; its new products are tagged with it
uid = "<scheme>:<code>" (values: "<scheme>:<property>:<code>").
Synonyms are parallel string lists on their owner (syn_text, syn_lang, syn_source); `search_text`
joins labels and synonyms for the full-text index.
"""

from __future__ import annotations

from neo4j import ManagedTransaction

from ontology.store import Store

FULLTEXT_INDEX = "concept_text"

STATEMENTS = [
    "CREATE CONSTRAINT scheme_code IF NOT EXISTS FOR (s:Scheme) REQUIRE s.code IS UNIQUE",
    "CREATE CONSTRAINT class_uid IF NOT EXISTS FOR (c:Class) REQUIRE c.uid IS UNIQUE",
    "CREATE CONSTRAINT item_uid IF NOT EXISTS FOR (i:Item) REQUIRE i.uid IS UNIQUE",
    "CREATE CONSTRAINT property_uid IF NOT EXISTS FOR (p:Property) REQUIRE p.uid IS UNIQUE",
    "CREATE CONSTRAINT value_uid IF NOT EXISTS FOR (v:Value) REQUIRE v.uid IS UNIQUE",
    "CREATE CONSTRAINT unit_code IF NOT EXISTS FOR (u:Unit) REQUIRE u.code IS UNIQUE",
    "CREATE CONSTRAINT release_uid IF NOT EXISTS FOR (r:Release) REQUIRE r.uid IS UNIQUE",
    "CREATE CONSTRAINT change_uid IF NOT EXISTS FOR (c:Change) REQUIRE c.uid IS UNIQUE",
    "CREATE CONSTRAINT published_code IF NOT EXISTS FOR (p:PublishedCode) REQUIRE p.uid IS UNIQUE",
    "CREATE CONSTRAINT apikey_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE",
    "CREATE CONSTRAINT example_uid IF NOT EXISTS FOR (e:Example) REQUIRE e.uid IS UNIQUE",
    "CREATE CONSTRAINT change_request_id IF NOT EXISTS FOR (r:ChangeRequest) REQUIRE r.id IS UNIQUE",
    "CREATE CONSTRAINT change_mark_id IF NOT EXISTS FOR (m:ChangeMark) REQUIRE m.id IS UNIQUE",
    "CREATE CONSTRAINT firm_code IF NOT EXISTS FOR (f:Firm) REQUIRE f.code IS UNIQUE",
    "CREATE CONSTRAINT product_id IF NOT EXISTS FOR (p:Product) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT product_firm_sku IF NOT EXISTS FOR (p:Product) REQUIRE p.firm_sku IS UNIQUE",
    "CREATE CONSTRAINT sequence_id IF NOT EXISTS FOR (s:Sequence) REQUIRE s.id IS UNIQUE",
    "CREATE CONSTRAINT registration_id IF NOT EXISTS FOR (r:Registration) REQUIRE r.id IS UNIQUE",
    "CREATE INDEX product_registration IF NOT EXISTS FOR (p:Product) ON (p.registration)",
    "CREATE INDEX product_firm IF NOT EXISTS FOR (p:Product) ON (p.firm)",
    "CREATE INDEX product_status IF NOT EXISTS FOR (p:Product) ON (p.status)",
    "CREATE INDEX product_gtin IF NOT EXISTS FOR (p:Product) ON (p.gtin)",
    "CREATE INDEX firm_region IF NOT EXISTS FOR (f:Firm) ON (f.region)",
    "CREATE INDEX class_scheme IF NOT EXISTS FOR (c:Class) ON (c.scheme)",
    "CREATE INDEX item_scheme IF NOT EXISTS FOR (i:Item) ON (i.scheme)",
    "CREATE INDEX change_concept IF NOT EXISTS FOR (c:Change) ON (c.concept)",
    "CREATE INDEX example_at IF NOT EXISTS FOR (e:Example) ON (e.at)",
    "CREATE FULLTEXT INDEX concept_text IF NOT EXISTS FOR (n:Class|Item) "
    "ON EACH [n.search_text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
]


def _apply(tx: ManagedTransaction, statement: str) -> None:
    tx.run(statement).consume()


def apply_schema(store: Store) -> None:
    """Create what is missing; schema statements each need their own transaction."""
    for statement in STATEMENTS:
        store.write_schema(_apply, statement)
    store.write_schema(_await_indexes)


def _await_indexes(tx: ManagedTransaction) -> None:
    tx.run("CALL db.awaitIndexes(300)").consume()
