"""torchlint: find nn.Modules and nn.Parameters that PyTorch never registers, and fix them."""
from torchlint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from torchlint.engine import fix_source, lint_source

__version__ = "0.1.0"

__all__ = ["Applicability", "Diagnostic", "Edit", "Fix", "Location", "fix_source", "lint_source", "__version__"]
