"""Finding the files of a run and naming their modules."""
import os

from torchlint.files import discover, forget_packages, module_name


def test_one_file_reached_by_several_paths_is_checked_once(tmp_path, monkeypatch):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.py").write_text("x = 1\n")
    (real / "b.py").write_text("y = 2\n")
    (tmp_path / "linked_folder").symlink_to(real, target_is_directory=True)
    (tmp_path / "linked_file.py").symlink_to(real / "a.py")
    monkeypatch.chdir(tmp_path)
    found = discover(["real", "real/a.py", str(real / "b.py"), "linked_folder/a.py", "linked_file.py", "../" + tmp_path.name + "/real"])
    assert [os.path.relpath(p, tmp_path) for p in found] == ["real/a.py", "real/b.py"]


def test_module_names_climb_the_packages(tmp_path):
    package = tmp_path / "pkg" / "sub"
    package.mkdir(parents=True)
    for folder in (tmp_path / "pkg", package):
        (folder / "__init__.py").write_text("")
    assert module_name(package / "mod.py") == ("pkg.sub.mod", "pkg.sub")
    assert module_name(package / "__init__.py") == ("pkg.sub", "pkg.sub")
    assert module_name(tmp_path / "top.py") == ("top", "")


def test_a_new_package_is_seen_once_the_long_lived_process_forgets(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    assert module_name(folder / "net.py") == ("net", "")
    (folder / "__init__.py").write_text("")
    forget_packages()
    assert module_name(folder / "net.py") == ("models.net", "models")
