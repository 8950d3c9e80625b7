"""Models of antifraud."""
