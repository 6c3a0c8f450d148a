"""Adapting the bundled e5 to Finnish/English workplace skills: pairs, training, the shipped adapter."""
