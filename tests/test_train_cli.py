"""``python -m fastgrad train``."""

import pytest

from fastgrad.__main__ import main


def test_train_prints_test_accuracy(capsys):
    assert main(["train", "--epochs", "3", "--hidden", "16", "--seed", "1"]) == 0
    captured = capsys.readouterr()
    accuracy = float(captured.out.split("test accuracy:")[1])
    assert 0.8 < accuracy <= 1.0
    assert captured.err.count("epoch ") == 3


def test_train_bad_options_exit_2(capsys):
    assert main(["train", "--test-fraction", "1.5"]) == 2
    assert main(["train", "--learning-rate", "-1", "--quiet"]) == 2
    assert "learning_rate must be > 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--activation", "swish"])


def test_train_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["train", "--help"])
    assert info.value.code == 0
    assert "--learning-rate" in capsys.readouterr().out
