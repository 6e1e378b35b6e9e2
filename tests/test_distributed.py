"""Model search on a dask.distributed cluster through joblib's dask backend.

A LocalCluster of two worker processes (one thread each) runs a 2 x 2 grid with
2-fold cross-validation on tiny data, one epoch per fit, and must give the same
cv_results_ as the sequential search with the same seeds. Needs the
``distributed`` extra; skipped cleanly without it.
"""

import joblib
import numpy as np
import pytest
from _planted import planted
from scipy.stats import loguniform
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import encode_to_memmap

distributed = pytest.importorskip("distributed")

# a two-worker LocalCluster takes seconds to start and each search fits many models
pytestmark = pytest.mark.slow

TINY = {"n_blocks": 0, "attention_size": 4, "n_heads": 1, "batch_size": 16, "max_epochs": 1}


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _scores(search):
    return {
        key: search.cv_results_[key]
        for key in ("params", "mean_test_score", "std_test_score", "rank_test_score")
    }


def _assert_same_results(on_cluster, sequential):
    a, b = _scores(on_cluster), _scores(sequential)
    assert a["params"] == b["params"]
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_grid_search_on_dask_matches_sequential(client):
    X, y = planted(64, length=24)
    search = GridSearchCV(
        AttnGenClassifier(**TINY, random_state=0, verbose=0),
        {"n_filters": [4, 8], "lr": [2e-3, 1e-2]},
        cv=2,
    )
    sequential = search.fit(X, y).cv_results_
    with (
        distributed.get_task_stream(client) as tasks,
        joblib.parallel_config(backend="dask"),
    ):
        on_cluster = GridSearchCV(**{**search.get_params(deep=False), "n_jobs": -1}).fit(X, y)
    assert len(client.scheduler_info()["workers"]) == 2
    assert len({task["worker"] for task in tasks.data}) == 2  # both workers fitted models
    _assert_same_results(on_cluster, search)
    assert on_cluster.best_params_ == search.best_params_
    assert len(sequential["params"]) == 4
    np.testing.assert_array_equal(
        on_cluster.best_estimator_.predict_proba(X[:8]), search.best_estimator_.predict_proba(X[:8])
    )


def test_randomized_search_on_memmap_data(client, tmp_path):
    # workers open the memory-mapped files by path: the local file system is shared
    X, y = planted(64, length=24)
    data = encode_to_memmap(list(zip(X, y, strict=True)), tmp_path / "train")
    search = RandomizedSearchCV(
        AttnGenClassifier(**TINY, n_filters=4, random_state=0, verbose=0),
        {"lr": loguniform(1e-3, 1e-2), "dropout": [0.0, 0.2]},
        n_iter=3,
        cv=2,
        random_state=0,
    )
    search.fit(data, data.target)
    with joblib.parallel_config(backend="dask"):
        on_cluster = RandomizedSearchCV(**{**search.get_params(deep=False), "n_jobs": -1}).fit(
            data, data.target
        )
    _assert_same_results(on_cluster, search)
