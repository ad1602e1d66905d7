"""The controller's month: adjustments, laid forecasts, prognosförändring, prognossäkerhet."""
