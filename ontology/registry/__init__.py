"""The product master data registry: firms and their products, kept under CPMS codes.

`identifiers` (unified social credit codes, GTINs, product IDs), `model` (the edge models),
`checking` (a product against its class template), and one module per aggregate that speaks
Cypher: `firms`, `products`, `search`, `following`. docs/registry.md describes the whole.
"""
