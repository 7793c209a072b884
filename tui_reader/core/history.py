"""Back and forward through the articles reached by following links, like a browser."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """An article and where in it the reader was (0..1)."""

    key: str
    fraction: float = 0.0


@dataclass
class History:
    """Two stacks; following a link clears the forward one."""

    back: list[Place] = field(default_factory=list)
    forward: list[Place] = field(default_factory=list)
    limit: int = 200

    def visit(self, current: Place | None) -> None:
        """Leave ``current`` for a new article reached by a link."""
        if current is not None:
            self.back.append(current)
            del self.back[: -self.limit]
        self.forward.clear()

    def go_back(self, current: Place) -> Place | None:
        if not self.back:
            return None
        self.forward.append(current)
        return self.back.pop()

    def go_forward(self, current: Place) -> Place | None:
        if not self.forward:
            return None
        self.back.append(current)
        return self.forward.pop()
