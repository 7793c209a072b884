"""Pictures in articles, without the terminal: where an image comes from, fetching it
within limits, an on-disk cache, decoding it safely, and which graphics protocol the
terminal speaks. Pillow and httpx are imported only when a picture is loaded."""
