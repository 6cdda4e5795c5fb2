"""Running Terraform on the learner's workspace: runner, events, providers, overrides, setup."""
