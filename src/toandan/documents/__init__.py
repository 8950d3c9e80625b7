"""Administrative documents in the format of Decree 30/2020/NĐ-CP: one description
(`decree30.AdministrativeDocument`), laid out as DOCX (`word.render_docx`) and as PDF
(`pdf.render_pdf`) in the shipped, embedded font. Below the domains: it imports none of them."""
