"""Spreadsheets in and out: the office's rosters (代表名册, 联络站一览表, 接待安排表, 意见建议台账) read into record
files, and the records written back as one workbook. `columns` says once which column is which field."""
