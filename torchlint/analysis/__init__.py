"""Facts the rules ask for: which names are torch, which classes are modules, which attributes of
a module class hold plain containers of modules or parameters, and how those attributes are used."""
