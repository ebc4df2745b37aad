public section
import A
