"""Static-site and signage generator for deputy liaison stations (人大代表联络站).

The pipeline, one module per stage:

    loader    YAML / Markdown files  -> located raw records
    schema    raw records            -> typed records (pydantic), located problems
    validate  typed records          -> cross-record problems
    model     typed records          -> an immutable graph (Site)
    render/*  Site                   -> outputs (path -> bytes), one pure function per file
    writer    outputs                -> staged, then site/ and signage/ published together in one switch
"""
