"""The document view with pictures: images drawn where the Markdown puts them.

A :class:`DocumentView` whose sections draw their images through a
:class:`~tui_reader.ui.pictures.shelf.PictureShelf`. When pictures arrive, the sections
that wait for them are drawn again, and the view keeps the text on screen still as their
heights change (the same settling as for any section measured late). ``i`` switches
between pictures and their alt text.
"""

from __future__ import annotations

import os
from contextlib import suppress
from typing import TYPE_CHECKING

from textual.message import Message
from textual.strip import Strip

from tui_reader.ui.bindings import PICTURE_BINDINGS
from tui_reader.ui.pictures.shelf import PictureShelf
from tui_reader.ui.widgets.document_view import DocumentView
from tui_reader.ui.widgets.page import MEASURE

if TYPE_CHECKING:
    from tui_reader.core.article import Article

PICTURE_HEIGHT = 0.5  # of the pane's height, at most


class PictureView(DocumentView):
    """Shows a document with its pictures."""

    BINDINGS = PICTURE_BINDINGS

    def __init__(self, *, id: str | None = None, measure: int = MEASURE) -> None:  # noqa: A002
        super().__init__(id=id, measure=measure)
        self.pictures = PictureShelf(lambda: self.post_message(self.PicturesArrived()))
        self._cache.pictures = self.pictures

    def on_mount(self) -> None:
        self.pictures.mode = getattr(self.app, "images", "off")
        self.pictures.cache_limit = getattr(self.app, "image_cache_bytes", None)
        if self.pictures.mode in ("kitty", "sixel"):
            from tui_reader.core.images.protocol import cell_pixels
            from tui_reader.ui.pictures.graphics import GraphicsOutput

            self.pictures.cell = cell_pixels() or self.pictures.cell
            write = self._write_to_terminal
            if self.pictures.mode == "kitty" and os.environ.get("TMUX"):
                from tui_reader.core.images.kitty import through_tmux

                write = lambda text: self._write_to_terminal(through_tmux(text))  # noqa: E731
            self.pictures.output = GraphicsOutput(write)
            if self.pictures.mode == "sixel":
                self.app.after_frame.append(self.paint_sixels)

    def on_unmount(self) -> None:
        if self.pictures.output is not None:
            self.pictures.output.close()
        with suppress(ValueError):
            self.app.after_frame.remove(self.paint_sixels)

    def _write_to_terminal(self, text: str) -> None:
        """Write graphics commands through Textual's driver (it has no public way), so
        they reach the terminal in order with the frames."""
        driver = self.app._driver
        if driver is not None:
            driver.write(text)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.pictures.mode == "sixel" and self.pictures.output is not None:
            self.pictures.output.note_line(y, strip)
        return strip

    def paint_sixels(self) -> None:
        """Paint the sixel pictures on screen over the frame just written (the app calls
        this after every frame). Not under another screen: a modal's backdrop shows this
        one dimmed, and the picture would cover the modal."""
        output = self.pictures.output
        if output is None or not output.rows or not self.screen.is_active or not self.display:
            return
        region = self.content_region
        height = self.scrollable_content_region.height
        output.paint_sixels(region.x, region.y, height, self.app.size.height - 1)

    class PicturesArrived(Message):
        """Pictures were loaded (or failed) in a worker thread."""

    def on_picture_view_pictures_arrived(self, event: PicturesArrived) -> None:
        event.stop()
        self._pictures_ready(self.pictures.arrived())

    def _report_move(self) -> None:
        super()._report_move()
        self.pictures.near = self.top_section

    def open_article(self, article: Article, cover: tuple[str, str] | None) -> None:
        """Resolve the next document's images against ``article``."""
        self.pictures.open_article(article, cover)

    def _estimate_all(self) -> None:
        self._size_pictures()
        super()._estimate_all()

    def _size_pictures(self) -> None:
        height = self.scrollable_content_region.height or self.app.size.height
        self.pictures.resize(self.page.text, int(height * PICTURE_HEIGHT))

    def _pictures_ready(self, sections: set[int]) -> None:
        """Draw again the sections whose pictures came, keeping the line at the top of
        the view where it is (a picture above it pushes nothing on screen; at the top of
        the article, the picture shows where the text was), or the end in view when the
        view was at the end."""
        layout = self.section_heights
        if self.document is None or not sections:
            return
        top = round(self.scroll_y)
        at_end = top > 0 and self.at_end  # after G, the end stays in view
        anchor = layout.section_at(top)
        delta = top - layout.offsets[anchor]
        moved = False
        for index in sections:
            if index >= len(layout.heights):
                continue
            if self._lines.pop(index, None) is None:
                layout.exact[index] = False  # measured when it comes into view again
            else:
                moved |= layout.measure(index, self._height_of(index))
        if moved:
            self._recount()
            y = self._max_y() if at_end else layout.offsets[anchor] + delta
            self._set_y(max(0, min(y, self._max_y())))
            self._report_move()
        self.refresh()

    def action_toggle_images(self) -> None:
        """Pictures or their alt text (i)."""
        if self.pictures.mode == "off":
            self.notify('Pictures are off (images = "off" or --no-images)', timeout=3)
            return
        self.pictures.shown = not self.pictures.shown
        self.notify(
            "Pictures shown" if self.pictures.shown else "Alt text instead of pictures", timeout=2
        )
        if self.document is not None:
            fraction = self.fraction
            self._estimate_all()
            self.goto_fraction(fraction)
            self.refresh()
