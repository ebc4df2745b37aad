importFoo.Bar import Baz.«x.y» import _hyg.1 import Baz
