"""Code generators: IR -> template context -> Python source, one module per target."""
