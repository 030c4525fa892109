"""Matching of free-form product records to the CPMS standard.

Stages, each a module of pure functions over plain values (no database):
normalize (`normalize`, `pinyin`) -> extract (`extract`) -> candidates -> score -> decide.
`notations` and `units` hold the vocabulary and unit tables the stages share; `types` the values
they pass on.
"""
