"""AWS managed policies: the catalog the project ships and the code that loads it."""
