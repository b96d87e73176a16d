"""Figure builders: functions that return `plotly.graph_objects.Figure`, one module per topic."""
