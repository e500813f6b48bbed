"""DTS Volwassenheidsscan: digital maturity self-assessment for Defensie units.

The application factory is ``assessment.app.create_app``.
"""
