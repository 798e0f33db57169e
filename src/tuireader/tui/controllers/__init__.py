"""The main screen's behaviour, in small controllers that share its typed state.

- `library.LibraryController`: loading the catalog and marks, the indexer child process,
  following changed files and reconciling annotations;
- `listing.ListingController`: the query, search results, sort, filters and list rows;
- `reading.ReadingController`: opening an article, hits, the reading position, read state,
  the browser, `$EDITOR`, the clipboard;
- `annotating.AnnotatingController`: bookmarks and highlights;
- `browsing_annotations.BrowsingController`: the annotations browser (edit, delete, undo).

State flows down: `MainScreen` owns `ListState`, `ReaderState` and `IndexState`
(tui/main_state.py) and its widgets; each controller gets the screen and reads or sets them.
Events flow up: a controller that changes something another part shows posts a message
(`MarksChanged`, `OpenRequested` in base.py) that the screen routes, so controllers do not
call each other except where one awaits another's work in order (the library awaits the
listing). A new key: a `KeySpec` in tui/keys.py, an `action_<name>` on MainScreen that calls
the controller owning the feature (or a new controller built in `MainScreen.__init__`), and,
if it opens a dialog, its name in typeahead.DIALOG_ACTIONS.
"""
