"""Interchange with annotation and training tools: Label Studio, brat, spaCy and CoNLL (pure to_x / from_x pairs)."""
