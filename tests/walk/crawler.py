"""A walk of the whole app as one role, with Django's test client.

Starting at ``/``, the walker follows every same-site link a page shows
(``a[href]``, ``link[href]``, ``area[href]`` and the unit pickers'
``data-search-url``) and submits every form with each of its own submit
buttons, first with the values the page offers (a plausible value where a
required field is empty), then once with odd values. It is bounded: at most
``per_pattern`` concrete addresses per URL pattern (the resolved view name and
the names of the query parameters), one per page and set of query parameters,
and ``budget`` requests in all.

Every request runs in a savepoint rolled back afterwards and the client's
cookies are put back, so a form submitted (an acceptance, a deletion in the
admin, signing out) never changes what the rest of the walk sees. The same
request again therefore gets the same answer: it is counted, and checked, but
answered from the first (the sign-out form, with no field an odd value changes,
would otherwise be sent four times, and every page links the same filters).

What counts as a failure (a :class:`Finding`): any 5xx; a 403, 404, 405 or
410 for a link or a button the app showed; a redirect that ends on the
sign-in page for a signed-in user. Odd values may be refused (4xx other than
those, or 200 with errors), never answered with a 5xx.
"""

from __future__ import annotations

import datetime
import time
import traceback
import unicodedata
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import transaction
from django.urls import Resolver404, resolve

from tests.samples import PDF  # for file inputs

# --- Values ------------------------------------------------------------------------

PLAUSIBLE_TEXT = "Kiểm thử"
# Word's Shift+Enter (U+000B), a form feed, decomposed (NFD) Vietnamese, a
# zero-width space, a right-to-left override and an emoji.
HOSTILE_TEXT = (
    "Dòng một\x0bdòng hai\x0c "
    + unicodedata.normalize("NFD", "Nghị quyết Tỉnh ủy")
    + " \u200b\u202e<b>&amp;</b> 🇻🇳"
)
LONG_TEXT = "Rất dài " * 4_000  # 32,000 characters
# A GET form sends its fields in the address, which servers cap (nginx answers 414
# past 8 KB by default): its long text is as long as an address can carry.
LONG_QUERY_TEXT = "Rất dài " * 250  # 2,000 characters, 5,250 once encoded
TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", ""}
ODD_VARIANTS = ("empty", "hostile", "long")
# What a browser sends for each odd value typed into a typed input.
ODD_BY_TYPE = {
    "hostile": {"number": "10,000", "date": "0001-01-01", "datetime-local": "0001-01-01T00:00"},
    "long": {"number": "²", "date": "01/01/0001", "datetime-local": "01/01/0001 00:00"},
}
FAILING_STATUSES = {403, 404, 405, 410}
# Query parameters whose value chooses another page rather than filtering one: the
# reorganisation wizard's kind of change, each kind its own form.
CHOOSING = {"kind"}
# Signing out ends on the sign-in page, as it should.
SIGN_OUT = {"logout", "admin:logout"}


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to the query it may already hold (a picker's search
    address: ``?within=…``, ``?current=1``)."""
    return url + ("&" if "?" in url else "?") + urlencode(params)


# --- Parsing -----------------------------------------------------------------------


@dataclass
class Control:
    tag: str  # input, select, textarea, button
    name: str
    type: str = ""
    value: str = ""
    checked: bool = False
    required: bool = False
    disabled: bool = False
    multiple: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)
    attrs: dict[str, str] = field(default_factory=dict)
    label: str = ""

    @property
    def is_submit(self) -> bool:
        if self.tag == "button":
            return self.type in ("", "submit")
        return self.tag == "input" and self.type in ("submit", "image")


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    form_id: str
    controls: list[Control] = field(default_factory=list)

    def buttons(self) -> list[Control]:
        return [c for c in self.controls if c.is_submit and not c.disabled]


class PageParser(HTMLParser):
    """Links and forms of one page, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._by_id: dict[str, Form] = {}
        self._orphans: list[tuple[str, Control]] = []  # controls with form="id"
        self._text_of: Control | None = None  # textarea or button whose text we read
        self._option: list | None = None  # [value or None, selected, text]
        self._select: Control | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag in ("a", "area", "link") and "href" in a:
            self.links.append(a["href"])
        if "data-search-url" in a:
            self.links.append(with_query(a["data-search-url"], q="a"))
        if tag == "form":
            self._form = Form(
                action=a.get("action", ""),
                method=(a.get("method") or "get").lower(),
                enctype=a.get("enctype", ""),
                form_id=a.get("id", ""),
            )
            self.forms.append(self._form)
            if a.get("id"):
                self._by_id[a["id"]] = self._form
            return
        if tag not in ("input", "select", "textarea", "button", "option"):
            return
        if tag == "option":
            if self._select is not None:
                self._option = [a.get("value"), "selected" in a, ""]
            return
        control = Control(
            tag=tag,
            name=a.get("name", ""),
            type=(a.get("type") or ("" if tag != "button" else "submit")).lower(),
            value=a.get("value", ""),
            checked="checked" in a,
            required="required" in a,
            disabled="disabled" in a,
            multiple="multiple" in a,
            attrs=a,
        )
        if tag == "input" and control.type in ("submit", "image"):
            control.label = a.get("value", "") or a.get("aria-label", "")
        if "form" in a:
            self._orphans.append((a["form"], control))
        elif self._form is not None:
            self._form.controls.append(control)
        if tag in ("textarea", "button"):
            self._text_of = control
        if tag == "select":
            self._select = control

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag in ("textarea", "button"):
            self._text_of = None
        elif tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None

    def _close_option(self):
        if self._option is not None and self._select is not None:
            value = self._option[0] if self._option[0] is not None else self._option[2].strip()
            self._select.options.append((value, self._option[1]))
        self._option = None

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._text_of is not None:
            if self._text_of.tag == "textarea":
                self._text_of.value += data
            else:
                self._text_of.label += data

    def close(self):
        super().close()
        for form_id, control in self._orphans:
            if form_id in self._by_id:
                self._by_id[form_id].controls.append(control)
        for form in self.forms:
            for control in form.controls:
                if control.tag == "textarea" and control.value.startswith("\n"):
                    control.value = control.value[1:]  # HTML drops the first newline
                control.label = " ".join(control.label.split())


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


# --- Findings ----------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    role: str
    url_name: str  # the view name of the address that failed
    method: str
    url: str
    referrer: str
    status: int
    button: str = ""  # "name=value (label)" of the submit button, for forms
    variant: str = ""  # "" for a link or the page's own values; else an ODD_VARIANTS entry
    final_url: str = ""
    detail: str = ""

    def describe(self) -> str:
        what = f"{self.method} {_short(self.url)}"
        if self.button:
            what += f" [button {self.button}]"
        if self.variant:
            what += f" [odd values: {self.variant}]"
        line = f"{self.role}: {self.referrer} → {what} → {self.status}"
        if self.final_url and self.final_url != self.url:
            line += f" at {_short(self.final_url)}"
        if self.detail:
            line += f"\n    {self.detail}"
        return line


def _short(url: str, limit: int = 160) -> str:
    return url if len(url) <= limit else url[:limit] + "…"


@dataclass
class Visit:
    status: int
    final_url: str
    content_type: str
    body: str
    error: str


def url_name_of(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return "<unresolved>"


class _Queue:
    """Addresses to visit: those under ``later`` only when no other is left."""

    def __init__(self, later: tuple[str, ...]) -> None:
        self.later = later
        self.first: deque[tuple[str, str]] = deque()
        self.last: deque[tuple[str, str]] = deque()

    def append(self, item: tuple[str, str]) -> None:
        (self.last if item[0].startswith(self.later) else self.first).append(item)

    def popleft(self) -> tuple[str, str]:
        return self.first.popleft() if self.first else self.last.popleft()

    def __bool__(self) -> bool:
        return bool(self.first or self.last)


# --- The walker --------------------------------------------------------------------


class Walker:
    def __init__(
        self,
        client,
        role: str,
        *,
        signed_in: bool,
        login_url: str = "/accounts/login/",
        # Two of each: the second of a kind (a second directive, a second report) is
        # where state left by the first shows; a third cost a quarter of the walk's
        # time (43 to 32 s for the eight roles) and reached no page the two do not.
        # Of one page's links with the same query parameters, one (``_enqueue``).
        per_pattern: int = 2,
        forms_per_pattern: int = 2,
        budget: int = 500,
        skip_prefixes: tuple[str, ...] = ("/static/",),
        later_prefixes: tuple[str, ...] = ("/admin/",),
        plausible_date: datetime.date | None = None,
    ) -> None:
        self.client = client
        self.role = role
        self.signed_in = signed_in
        self.login_url = login_url
        self.per_pattern = per_pattern
        self.forms_per_pattern = forms_per_pattern
        self.budget = budget
        self.skip_prefixes = skip_prefixes
        self.later_prefixes = later_prefixes
        self.plausible_date = plausible_date or datetime.date.today()
        self.findings: list[Finding] = []
        self.requests = 0
        self.visited: set[str] = set()
        self.per_key: Counter = Counter()
        self.forms_done: set[tuple] = set()
        self.form_keys: Counter = Counter()
        self.odd_done: set[tuple] = set()
        self.odd_params: set[tuple[str, str]] = set()  # (view, parameter) made odd
        self.queried: set[tuple] = set()  # (path, names, CHOOSING values) of links queued
        self.seen_url_names: Counter = Counter()
        self._exception: str = ""
        self.timings: list[tuple[float, str, str]] = []
        self.log: list[tuple] = []  # every request checked, for reading a walk
        self.answered: dict[tuple, Visit] = {}  # by request (see the module's docstring)
        self.repeated = 0  # requests answered from an identical earlier one
        self._url_names: dict[str, str] = {}

    def url_name(self, path: str) -> str:
        """:func:`url_name_of`, once per path (a quarter in the path is looked up)."""
        if path not in self._url_names:
            self._url_names[path] = url_name_of(path)
        return self._url_names[path]

    def pattern_key(self, url: str) -> tuple:
        parts = urlsplit(url)
        names = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
        return (self.url_name(parts.path), names)

    # -- requests --

    def _on_exception(self, sender, request=None, **kwargs):
        self._exception = traceback.format_exc(limit=-3).strip().splitlines()[-1]

    @staticmethod
    def _request_key(method: str, url: str, data) -> tuple | None:
        """What makes a request, or None with a file (each upload is a new object)."""
        fields = []
        for name, values in (data or {}).items():
            values = values if isinstance(values, list) else [values]
            if not all(isinstance(value, str) for value in values):
                return None
            fields.append((name, tuple(values)))
        return (method, url, tuple(fields))

    def _request(self, method: str, url: str, data=None) -> Visit:
        """One request (redirects followed) in a savepoint rolled back afterwards; the
        answer of an identical earlier one, if any."""
        self.requests += 1
        key = self._request_key(method, url, data)
        if key in self.answered:
            self.repeated += 1
            return self.answered[key]
        visit = self._send_request(method, url, data)
        if key is not None:
            self.answered[key] = visit
        return visit

    def _send_request(self, method: str, url: str, data) -> Visit:
        self._exception = ""
        started = time.perf_counter()
        cookies = dict(self.client.cookies.items())
        got_request_exception.connect(self._on_exception)
        try:
            with transaction.atomic():
                if method == "get":
                    response = self.client.get(url, data, follow=True)
                else:
                    response = self.client.post(url, data or {}, follow=True)
                if getattr(response, "streaming", False):
                    body = b"".join(response.streaming_content)
                else:
                    body = response.content
                transaction.set_rollback(True)
        finally:
            got_request_exception.disconnect(self._on_exception)
            self.client.cookies.clear()
            for key, morsel in cookies.items():
                self.client.cookies[key] = morsel
            if method != "get":
                cache.clear()
        self.timings.append((time.perf_counter() - started, method, _short(url, 80)))
        final = response.request["PATH_INFO"]
        if response.request.get("QUERY_STRING"):
            final += "?" + response.request["QUERY_STRING"]
        content_type = response.get("Content-Type", "")
        text = body.decode("utf-8", "replace") if content_type.startswith("text/html") else ""
        return Visit(response.status_code, final, content_type, text, self._exception)

    def _check(self, visit: Visit, *, method, url, referrer, button="", variant="") -> bool:
        """Record a finding if the visit failed; True when it did not."""
        status = visit.status
        self.log.append((status, method.upper(), _short(url, 80), button, variant, visit.final_url))
        problem = ""
        if status >= 500:
            problem = visit.error or "server error"
        elif not variant and status in FAILING_STATUSES:
            problem = "refused or missing, though the app showed it"
        elif (
            self.signed_in
            and not variant
            and self.url_name(urlsplit(url).path) not in SIGN_OUT
            and urlsplit(visit.final_url).path in (self.login_url, "/admin/login/")
        ):
            problem = "sent a signed-in user to the sign-in page"
        if not problem:
            return True
        self.findings.append(
            Finding(
                role=self.role,
                url_name=self.url_name(urlsplit(url).path),
                method=method.upper(),
                url=url,
                referrer=referrer,
                status=status,
                button=button,
                variant=variant,
                final_url=visit.final_url,
                detail=problem,
            )
        )
        return False

    # -- the walk --

    def _same_site(self, base: str, href: str) -> str | None:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            return None
        absolute = urljoin("http://testserver" + base, href)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            return None
        if parts.path.startswith(self.skip_prefixes):
            return None
        return parts.path + ("?" + parts.query if parts.query else "")

    def walk(self, start: str = "/") -> list[Finding]:
        """Breadth first, the app's own pages before the admin's."""
        queue = _Queue(self.later_prefixes)
        self._enqueue(start, "(start)", queue)
        while queue and self.requests < self.budget:
            url, referrer = queue.popleft()
            visit = self._request("get", url)
            if not self._check(visit, method="get", url=url, referrer=referrer):
                continue
            self.seen_url_names[self.url_name(urlsplit(url).path)] += 1
            self._odd_query(url, referrer)
            if not visit.body:
                continue
            page = parse(visit.body)
            base = visit.final_url
            for href in page.links:
                self._enqueue(self._same_site(base, href), base, queue)
            for form in page.forms:
                if self.requests >= self.budget:
                    break
                self._submit_all(form, base, queue)
        return self.findings

    def _enqueue(self, target: str | None, referrer: str, queue) -> None:
        """``target`` walked later, within the bounds: ``per_pattern`` addresses of a URL
        pattern, and one of a page with a given set of query parameters (the dashboard
        links each list with dozens of values of the same filters: another value runs
        the same code on the same page; another page, a second directive, is walked),
        unless a parameter's value chooses another page (``CHOOSING``)."""
        if target is None or target in self.visited:
            return
        self.visited.add(target)
        key = self.pattern_key(target)
        parts = urlsplit(target)
        chosen = sorted(
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in CHOOSING
        )
        query = (parts.path, key[1], tuple(chosen))
        if self.per_key[key] >= self.per_pattern or (key[1] and query in self.queried):
            return
        self.per_key[key] += 1
        self.queried.add(query)
        queue.append((target, referrer))

    def _odd_query(self, url: str, referrer: str) -> None:
        """A link with query parameters, with every value made odd, when one of them has
        not been made odd on its view yet: each parameter meets an odd value once,
        alongside the others its first link carries (a view that refuses one of those
        before reading the rest leaves the rest unread: an odd value is never a 500
        either way, which is what this checks)."""
        parts = urlsplit(url)
        if not parts.query:
            return
        view = self.url_name(parts.path)
        params = [(k, "²") for k, _ in parse_qsl(parts.query, keep_blank_values=True)]
        names = {(view, k) for k, _ in params}
        if names <= self.odd_params:
            return
        self.odd_params |= names
        odd = parts.path + "?" + urlencode(params)
        self._check(self._request("get", odd), method="get", url=odd, referrer=url, variant="²")

    # -- forms --

    def _submit_all(self, form: Form, base: str, queue) -> None:
        buttons = form.buttons() or [None]
        for button in buttons:
            action = (button.attrs.get("formaction") if button else None) or form.action
            method = ((button.attrs.get("formmethod") if button else None) or form.method).lower()
            if method not in ("get", "post"):
                continue  # method="dialog"
            target = self._same_site(base, action or base)
            if target is None:
                continue
            names = tuple(sorted({c.name for c in form.controls if c.name}))
            label = self._button_label(button)
            key = (method, self.pattern_key(target)[0], names, label)
            concrete = (*key, target)
            if concrete in self.forms_done:
                continue
            if self.form_keys[key] >= self.forms_per_pattern:
                continue
            if self.requests >= self.budget:
                return
            self.forms_done.add(concrete)
            self.form_keys[key] += 1
            data = self._values(form, button, variant="")
            visit = self._send(method, target, data)
            refused = visit.status == 400 or (
                visit.status == 200 and urlsplit(visit.final_url).path == urlsplit(target).path
            )
            if method == "post" and refused:
                # Refused as offered (a comment to write, a unit to pick): again, as a
                # user would, with every empty field filled in.
                data = self._values(form, button, variant="", fill_all=True)
                visit = self._send(method, target, data)
            if self._check(visit, method=method, url=target, referrer=base, button=label):
                self.seen_url_names[self.url_name(urlsplit(target).path)] += 1
                # And the page the button led to (a form's "done" page is reached so).
                self.seen_url_names[self.url_name(urlsplit(visit.final_url).path)] += 1
            # A search or filter form shows a page of its own: walk its links too.
            if method == "get" and visit.status == 200 and visit.body:
                for href in parse(visit.body).links:
                    self._enqueue(self._same_site(visit.final_url, href), visit.final_url, queue)
            odd_key = (method, self.pattern_key(target)[0], names)
            if odd_key in self.odd_done:
                continue
            self.odd_done.add(odd_key)
            for variant in ODD_VARIANTS:
                if self.requests >= self.budget:
                    return
                data = self._values(form, button, variant=variant, in_url=method == "get")
                visit = self._send(method, target, data)
                self._check(
                    visit, method=method, url=target, referrer=base, button=label, variant=variant
                )

    @staticmethod
    def _button_label(button: Control | None) -> str:
        if button is None:
            return "(no button)"
        name = f"{button.name}={button.value}" if button.name else ""
        return f"{name} ({button.label})" if name else f"({button.label})"

    def _send(self, method: str, target: str, data: list[tuple[str, object]]) -> Visit:
        if method == "get":
            parts = urlsplit(target)
            # A GET form replaces the action's query string with its own fields.
            url = parts.path + "?" + urlencode([(k, v) for k, v in data if isinstance(v, str)])
            return self._request("get", url)
        payload: dict[str, list] = {}
        for name, value in data:
            payload.setdefault(name, []).append(value)
        return self._request("post", target, payload)

    def _plausible(self, control: Control) -> str:
        middle = self.plausible_date
        kind = control.type
        if kind == "number":
            low = control.attrs.get("min")
            return low if low and low not in ("0", "") and not low.startswith("-") else "1"
        if kind == "date":
            return middle.isoformat()
        if kind == "datetime-local":
            return middle.isoformat() + "T09:00"
        if kind == "email":
            return "kiem.thu@example.com"
        if kind == "url":
            return "https://example.com/"
        if kind == "time":
            return "09:00"
        return PLAUSIBLE_TEXT

    def _values(
        self,
        form: Form,
        button: Control | None,
        *,
        variant: str,
        fill_all: bool = False,
        in_url: bool = False,
    ) -> list:
        """The form data a browser would send, with plausible or odd values."""
        data: list[tuple[str, object]] = []
        searched = 0
        for control in form.controls:
            if not control.name or control.disabled:
                continue
            if control.is_submit:
                if control is button and control.name:
                    data.append((control.name, control.value))
                continue
            if control.tag == "select":
                chosen = [v for v, selected in control.options if selected]
                if not chosen and not control.multiple and control.options:
                    chosen = [control.options[0][0]]
                if (control.required or fill_all) and not any(chosen):
                    filled = [v for v, _ in control.options if v]
                    # Each picker its own row: a unit cannot be both lead and support.
                    chosen = filled[:1] or self._searched(control, index=searched)
                    searched += 1
                data.extend((control.name, v) for v in chosen)
                continue
            if control.tag == "input" and control.type in ("checkbox", "radio"):
                if control.checked or (
                    control.required
                    and control.type == "radio"
                    and not any(n == control.name for n, _ in data)
                ):
                    data.append((control.name, control.value or "on"))
                continue
            if control.tag == "input" and control.type == "file":
                if variant == "":
                    data.append(
                        (
                            control.name,
                            SimpleUploadedFile("kiem-thu.pdf", PDF, "application/pdf"),
                        )
                    )
                continue
            if control.tag == "input" and control.type in ("reset", "button", "image"):
                continue
            value = control.value
            visible = not (control.tag == "input" and control.type == "hidden")
            if variant and visible:
                value = self._odd(control, variant, in_url=in_url)
            elif visible and not value and (control.required or fill_all):
                value = self._plausible(control)
            data.append((control.name, value))
        return data

    def _odd(self, control: Control, variant: str, *, in_url: bool) -> str:
        if variant == "empty":
            return ""
        kind = control.type if control.tag == "input" else "textarea"
        by_type = ODD_BY_TYPE[variant]
        if kind in by_type:
            return by_type[kind]
        if kind in TEXT_TYPES or kind == "textarea":
            if variant == "hostile":
                return HOSTILE_TEXT
            return LONG_QUERY_TEXT if in_url else LONG_TEXT
        return control.value

    def _searched(self, control: Control, *, index: int = 0) -> list[str]:
        """A value for a required picker whose options come from a search."""
        url = control.attrs.get("data-search-url")
        if not url:
            return []
        for q in ("a", "n", "t"):
            self.requests += 1
            # Not get(url, data): the test client drops the address's own query given data.
            response = self.client.get(with_query(url, q=q))
            if response.status_code == 200:
                results = response.json().get("results", [])
                if len(results) > index:
                    return [str(results[index]["id"])]
        return []
