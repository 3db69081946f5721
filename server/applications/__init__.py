"""Applications (permohonan): submitted at a kiosk or elsewhere, verified and issued."""
