"""The inventory workflow's logic: snapshot validation, deltas, batch queueing, storefront calls.

Import the submodules directly (`sluice_shared.inventory.validation`, ...): this package
re-exports nothing, because the dispatcher's operation registry imports
`sluice_shared.inventory.storefront` while the dispatch package is still initialising.
"""
