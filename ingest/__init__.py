"""dlt pipelines that load every system's entities into the warehouse's raw_<system> datasets."""
