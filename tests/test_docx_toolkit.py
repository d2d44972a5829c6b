"""The Word toolkit's shortcuts (common/documents/docx.py) write what python-docx writes."""

from docx import Document
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import serialize_for_reading
from hypothesis import example, given
from hypothesis import strategies as st

from common.documents import docx
from common.text import clean_text

# Text as it reaches a document: cleaned, with the tabs and line breaks it may keep.
TEXTS = st.text(st.characters(codec="utf-8") | st.sampled_from("\t\n\r  ")).map(clean_text)


@given(TEXTS)
@example("")
@example("  Dân vận khéo ")
@example("Dòng một\nDòng\thai")
@example("Rất dài " * 4_000)
def test_a_runs_text_is_written_as_python_docx_writes_it(text):
    para = Document().add_paragraph()
    run, theirs = para.add_run("old")._r, para.add_run("old")._r
    theirs.text = text
    docx._set_text(run, text)
    assert serialize_for_reading(run) == serialize_for_reading(theirs)


def test_a_paragraph_keeps_its_spaces_tabs_and_line_breaks():
    doc = Document()
    plain = docx.paragraph(doc, "  Dân vận khéo  ")._p
    broken = docx.paragraph(doc, "Dòng một\nDòng\thai")._p
    (t,) = plain.iter(qn("w:t"))
    assert t.text == "  Dân vận khéo  "
    assert t.get(qn("xml:space")) == "preserve"
    assert [len(list(broken.iter(qn(tag)))) for tag in ("w:br", "w:tab")] == [1, 1]
    assert "".join(t.text for t in broken.iter(qn("w:t"))) == "Dòng mộtDònghai"


def test_a_grid_table_has_the_table_grid_style_and_its_texts():
    doc = Document()
    docx.grid_table(doc, ["Đơn vị", "Số"], [["Hội Nông dân", "1.234"]], [60, 20], "lr")
    (table,) = doc.tables
    assert table.style.name == "Table Grid"
    assert [cell.text for cell in table.rows[1].cells] == ["Hội Nông dân", "1.234"]
