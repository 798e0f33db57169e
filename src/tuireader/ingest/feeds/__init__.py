"""Feed subscriptions: RSS, Atom, RDF and JSON Feed entries saved as library articles."""
