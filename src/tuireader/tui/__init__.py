"""The Textual reader, on top of the headless core."""
