"""The organisers' marking scheme pages (评分细则): typed or imported from the 评分表 workbook."""
