"""Pictures in the reading pane: the shelf of loaded pictures and how they are drawn."""
