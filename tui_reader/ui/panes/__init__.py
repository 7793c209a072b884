"""The panes of the main screen: widgets that own their keys and speak in messages."""
