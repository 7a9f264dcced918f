import Tabula
