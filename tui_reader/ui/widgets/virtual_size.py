"""Changing a scroll view's length without laying out the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Set ``view.virtual_size``. Textual lays out the whole screen for any change of
    it; when only the length changes and the vertical scrollbar stays (longer than the
    view before and after), updating the scrollbar and the scroll limits is enough.

    Both line-API views here change length often: the reading pane as sections are
    measured on the way (40-50 ms of layout on a jump to the end of a 5 MB article),
    the article list at every filter keystroke."""
    old = view.virtual_size
    if size == old:
        return
    visible = view.scrollable_content_region.height
    if old.width == size.width and min(old.height, size.height) > visible > 0:
        view.set_reactive(Widget.virtual_size, size)
        view._scroll_update(size)  # what a layout would do for this widget
        view.refresh()
    else:
        if size.height > (visible or view.app.size.height) and view.styles.overflow_y != "hidden":
            # Longer than the view (or, before the first layout, than the whole screen):
            # it will have a vertical scrollbar. Said now, the next layout places it and
            # draws the rows once at their width; found during that layout, the bar
            # would make a second layout that draws every row again, narrower.
            view.show_vertical_scrollbar = True
        view.virtual_size = size
