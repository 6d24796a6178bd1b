"""Tools for people writing rules and plugins: rule test cases, provision coverage, scaffolds."""
