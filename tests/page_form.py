"""A page's form as a browser would post it: what the page renders, hidden fields
included, read with lxml, so a field the page leaves out is left out of the post too."""

import lxml.html


def form_as_posted(response, *, holding: str = "version", form_id: str = "") -> dict:
    """The fields of the page's form that holds a field named ``holding`` (or has the id
    ``form_id``), as {name: [values]}: a select with several chosen values gives them all,
    an unticked box and a disabled field none."""
    page = lxml.html.fromstring(response.content.decode(response.charset or "utf-8"))
    if form_id:
        form = page.get_element_by_id(form_id)
    else:
        [form] = page.xpath(f"//form[.//*[@name='{holding}']]")
    for textarea in form.iter("textarea"):
        # Browsers drop the newline that follows <textarea>.
        if textarea.text and textarea.text.startswith("\n"):
            textarea.text = textarea.text[1:]
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data
