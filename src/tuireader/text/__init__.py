"""Text shown to people: made inert (`inert`) and counted in words (`wording`)."""
