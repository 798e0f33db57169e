"""Modal screens of the reader: help, annotations browser, dialogs."""
