"""The reconstructed survey answers: rebuilt from the paper's statements, never presented as the original."""
