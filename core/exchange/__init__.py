"""The exchange engine: spreadsheets in (imports) and out (exports, templates) for every ledger.

One place reads uploads (xlsx, CSV in UTF-8 or GBK), maps headers, numbers rows as the
spreadsheet shows them, checks and writes rows all or nothing, and writes streamed xlsx/CSV with
formula injection neutralised. Core knows nothing of tenants or plugins here: an import's
``write_row(session, community, data)`` receives the community as the caller gives it.
"""

from core.exchange.columns import Column, header_texts, select_columns
from core.exchange.importing import (
    HeaderMap,
    ImportReport,
    ImportSpec,
    Outcome,
    Problem,
    Problems,
    Progress,
    SheetRow,
    all_or_nothing,
    column_guide,
    map_headers,
    problem,
    run_import,
    schema_required,
    sheet_rows,
    typed_columns,
    warning,
)
from core.exchange.reading import (
    FORMULA_TRIGGERS,
    MAX_ROWS,
    Table,
    UnreadableFile,
    cell_text,
    decode_csv,
    estimate_rows,
    read_table,
    read_upload,
)
from core.exchange.writing import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    csv_value,
    display_width,
    iter_csv,
    save_xlsx,
    sheet_title,
    template_xlsx,
    write_csv,
    write_xlsx,
)

__all__ = [
    "CSV_MIMETYPE",
    "FORMULA_TRIGGERS",
    "MAX_ROWS",
    "XLSX_MIMETYPE",
    "Column",
    "HeaderMap",
    "ImportReport",
    "ImportSpec",
    "Outcome",
    "Problem",
    "Problems",
    "Progress",
    "SheetRow",
    "Table",
    "UnreadableFile",
    "all_or_nothing",
    "cell_text",
    "column_guide",
    "csv_value",
    "decode_csv",
    "display_width",
    "estimate_rows",
    "header_texts",
    "iter_csv",
    "map_headers",
    "problem",
    "read_table",
    "read_upload",
    "run_import",
    "save_xlsx",
    "schema_required",
    "select_columns",
    "sheet_rows",
    "sheet_title",
    "template_xlsx",
    "typed_columns",
    "warning",
    "write_csv",
    "write_xlsx",
]
