"""The final's contest numbers drawn by lot (抽签) through the API."""
