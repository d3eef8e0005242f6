"""How a finding is fixed: which torch container, how the file names it, whether the rewrite is safe."""
