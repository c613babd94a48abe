"""The organisers' draw of the final's contest numbers (抽签) and its printed record."""
