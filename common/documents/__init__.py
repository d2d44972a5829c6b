"""Documents in the Party's style: .docx (docx.py) and .xlsx (xlsx.py)."""
