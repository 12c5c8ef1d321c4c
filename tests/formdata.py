"""What a browser would post back: the fields of one <form> of a page, as rendered."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option_value: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                self.data.setdefault(name, [])
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._first, self._chosen = name, None, False
            self.data.setdefault(name, [])
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = attrs.get("value", "")
            if "selected" in attrs:
                self._chosen = True
                self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            # Nothing selected: a browser sends the first option.
            if not self._chosen and self._first is not None:
                self._add(self._select, self._first)
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the first newline after <textarea>.
            text = "".join(self._text)
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None


def form_fields(html: str, form_id: str) -> dict:
    """{name: value or [values]} of the form `form_id`, ready for Client.post."""
    parser = _FormFields(form_id)
    parser.feed(html)
    assert parser.data, f"no form #{form_id} with fields in the page"
    return {name: values[0] if len(values) == 1 else values for name, values in parser.data.items()}


def opened(client, url: str, form_id: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return form_fields(response.content.decode(), form_id)
