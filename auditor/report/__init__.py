"""Reports: the edge where typed results become JSON, text and (later) HTML, JUnit, SARIF."""
