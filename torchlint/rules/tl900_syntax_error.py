from torchlint.rules.base import Code


class UnparsableFile(Code):
    """Reported by the engine itself, not by a check: a file it cannot read or parse."""

    code = "TL900"
    name = "unparsable-file"
    documentation = """
    ## What it does
    Reports a file that torchlint cannot check: a syntax error (with the line, column and reason),
    bytes that are not valid UTF-8, or a file that cannot be read. The other files are still checked.

    ## Why is this bad?
    Nothing in that file is checked, so a bug in it would go unreported.

    ## Example
    ```python
    class Net(nn.Module:
    ```

    ## Use instead
    Fix the syntax error or the encoding, or exclude the file.

    ## Fix safety
    No fix.
    """
