"""What other domains may ask of tips: their only door into tips besides `toandan.tips.events`.

Domains do not import each other (the import-linter contracts in `pyproject.toml`), with two
exceptions per domain: its `events` module (what happened) and its `interface` package (what
others may ask or ask it to do). Each function here checks access itself, takes and returns
plain values (ids, references, dataclasses; never a model instance, never what a tip says or
anything about who sent it) and is documented for the caller. One module per caller's need:
`fraud.py` (identifiers a handling officer may confirm), `commendation.py` (a valuable tip's
facts for a nomination, a message to its anonymous sender through the receipt).
"""
