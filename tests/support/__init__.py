"""The one set of helpers every test folder shares: the API client and world builders
(`factories`), the contract's error shape (`errors`), signed-in pages (`pages`) and PDFs read
back as a person would (`pdf`)."""
