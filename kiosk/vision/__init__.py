"""What the kiosk sees through its camera: QR codes on phone screens and papers held up to it.

Plain OpenCV/numpy work on BGR frames, with no device or screen knowledge: ``capture`` and
``corners`` find and photograph a paper; the ``qr*`` modules read codes off phones.
"""
